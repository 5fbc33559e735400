import { AbsoluteTime } from "../../components/time.tsx";
import type { ThreadIssue_IssueFragment } from "./__generated__/thread.ts";

/** D5: every email this issue caused, with its delivery status. */
export const EmailLog = ({ emails }: { emails: ThreadIssue_IssueFragment["emails"] }) => (
  <section aria-labelledby="email-log-title" className="email-log">
    <h2 id="email-log-title" className="section-title">
      Email log
    </h2>
    {!emails || emails.length === 0 ? (
      <p className="muted">No emails sent for this issue yet.</p>
    ) : (
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
      <section className="table-scroll" aria-label="Email log table" tabIndex={0}>
        <table className="table">
          <caption className="visually-hidden">Emails sent for this issue</caption>
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
              <th scope="col">Queued</th>
              <th scope="col">Sent</th>
            </tr>
          </thead>
          <tbody>
            {emails.map((email, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: emails have no id in the contract; order is stable
              <tr key={index}>
                <td>{email.to}</td>
                <td>{email.subject}</td>
                <td>
                  <span className={`status status--${email.status.toLowerCase()}`}>{email.status}</span>
                  {email.error ? <div className="status-error">{email.error}</div> : null}
                </td>
                <td>
                  <AbsoluteTime iso={email.createdAt} />
                </td>
                <td>
                  <AbsoluteTime iso={email.sentAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    )}
  </section>
);
