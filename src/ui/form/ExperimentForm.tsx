import { Fragment } from 'react';
import { isUserSource } from '../../engine/data/catalog.ts';
import { type FormCheck, useConfigStore } from '../../state/configStore.ts';
import { type FieldDef, FORM_FIELDS } from '../../state/formFields.ts';
import { UserDataPanel } from '../data/UserDataPanel.tsx';
import { FormField } from './FormField.tsx';

const GROUPS = ['Experiment', 'Data', 'Model', 'Sweep', 'Training', 'Search'] as const;

/** The experiment form: one fieldset per spec section, messages from the engine's schema. */
export function ExperimentForm({
  formCheck,
  disabled,
}: {
  formCheck: FormCheck;
  disabled: boolean;
}) {
  const values = useConfigStore((state) => state.values);
  const setValue = useConfigStore((state) => state.setValue);
  const reset = useConfigStore((state) => state.reset);
  const general = formCheck.errorsByField[''] ?? [];
  const notes = explain(values);

  return (
    <form
      className="experiment-form"
      aria-label="Experiment"
      onSubmit={(event) => event.preventDefault()}
    >
      {GROUPS.map((group) => (
        <fieldset key={group} disabled={disabled}>
          <legend>{group}</legend>
          {FORM_FIELDS.filter(
            (field: FieldDef) =>
              field.group === group &&
              (!field.appliesTo || field.appliesTo(values)) &&
              !field.hidden?.(values),
          ).map((field) => (
            <Fragment key={field.path}>
              <FormField
                field={field}
                value={values[field.path] ?? ''}
                errors={formCheck.errorsByField[field.path] ?? []}
                onChange={(text) => setValue(field.path, text)}
              />
              {field.path === 'data.source' && isUserSource(values['data.source'] ?? '') && (
                <UserDataPanel errorsByField={formCheck.errorsByField} disabled={disabled} />
              )}
            </Fragment>
          ))}
        </fieldset>
      ))}
      {general.map((message) => (
        <p key={message} className="field-error" role="alert">
          {message}
        </p>
      ))}
      {notes.map((note) => (
        <p key={note} className="form-note">
          {note}
        </p>
      ))}
      <button type="button" className="secondary" onClick={reset} disabled={disabled}>
        Reset to default experiment
      </button>
    </form>
  );
}

/** Valid but surprising combinations, explained rather than silently changed. */
function explain(values: Record<string, string>): string[] {
  const notes: string[] = [];
  const widths = (values['sweep.widths'] ?? '').split(/[\s,]+/).filter(Boolean);
  if (values['model.depth']?.trim() === '0' && widths.length > 1) {
    notes.push(
      'With 0 hidden layers the model is a linear classifier: every width gives the same model.',
    );
  }
  if (values['train.batchSize']?.trim().toLowerCase() === 'full') {
    notes.push(
      'Full batch: every step uses all N samples (gradient descent, no mini-batch noise).',
    );
  }
  return notes;
}
