import type { ReactNode } from 'react';

/** One numbered step of the page: a card with its heading, a one-line lead and its content (greyed when disabled). */
export function Step(props: {
  id: string;
  n: number | string;
  title: string;
  lead: string;
  enabled: boolean;
  children: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <section id={props.id} className={`card${props.enabled ? '' : ' disabled'}`} aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>
        <span className="n" aria-hidden="true">
          {props.n}
        </span>
        {props.title}
        {props.extra}
      </h2>
      <p className="lead">{props.lead}</p>
      {props.children}
    </section>
  );
}
