// How a screen tells a person what happened: problems as a list read out at once (role=alert), or what
// was done (role=status). One markup for every screen.

/** The sentences the api answered with; nothing when there are none. */
export const ErrorList = ({ errors }: { errors: readonly string[] | null | undefined }) =>
  errors?.length ? (
    <ul className="alert alert--error" role="alert">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  ) : null;

/** Problems, or what was done. */
export const Feedback = ({ errors, done }: { errors: readonly string[]; done: string | null }) => (
  <>
    <ErrorList errors={errors} />
    {done ? (
      <p className="alert alert--done" role="status">
        {done}
      </p>
    ) : null}
  </>
);
