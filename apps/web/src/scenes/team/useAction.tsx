import { useState } from "react";
import { errorMessage } from "../../components/States.tsx";

/** Runs a mutation that answers `{ errors }` and keeps what a person should read: errors, or the done text. */
export const useAction = () => {
  const [errors, setErrors] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<string[] | undefined>, doneText: string) => {
    setBusy(true);
    setDone(null);
    try {
      const problems = (await work()) ?? [];
      setErrors(problems);
      if (problems.length === 0) setDone(doneText);
      return problems.length === 0;
    } catch (err) {
      setErrors([errorMessage(err)]);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { errors, done, busy, run };
};

export { Feedback } from "../../components/Feedback.tsx";
