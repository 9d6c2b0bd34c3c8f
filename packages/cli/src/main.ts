console.log('browser-bert');
