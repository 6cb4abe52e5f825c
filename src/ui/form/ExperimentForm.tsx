import { Fragment } from 'react';
import { isUserSource } from '../../engine/data/catalog.ts';
import { type FormCheck, useConfigStore } from '../../stores/configStore.ts';
import { type FieldDef, FORM_FIELDS } from '../../stores/formFields.ts';
import { FORM_GROUPS, groupSummary, isGroupOpen, useFormGroups } from '../../effects/formGroups.ts';
import { UserDataPanel } from '../data/UserDataPanel.tsx';
import { FormField } from './FormField.tsx';

/**
 * The experiment form: one fieldset per spec section, messages from the engine's schema.
 * Each section folds to a one-line summary of what it holds (see formGroups.ts); a section
 * with a problem stays open, so no message is ever folded away.
 */
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
  const chosenOpen = useFormGroups((state) => state.chosen);
  const setOpen = useFormGroups((state) => state.setOpen);
  const general = formCheck.errorsByField[''] ?? [];
  const notes = explain(values);

  return (
    <form
      className="experiment-form"
      aria-label="Experiment"
      onSubmit={(event) => event.preventDefault()}
    >
      {FORM_GROUPS.map((group) => {
        const fields = FORM_FIELDS.filter(
          (field: FieldDef) =>
            field.group === group &&
            (!field.appliesTo || field.appliesTo(values)) &&
            !field.hidden?.(values),
        );
        const hasProblem = FORM_FIELDS.some(
          (field) =>
            field.group === group && (formCheck.errorsByField[field.path]?.length ?? 0) > 0,
        );
        const open = hasProblem || isGroupOpen(chosenOpen, group);
        return (
          <details
            key={group}
            className="form-group"
            data-group={group}
            open={open}
            onToggle={(event) => {
              if (!hasProblem) setOpen(group, event.currentTarget.open);
            }}
          >
            <summary
              onClick={(event) => {
                // A section with a problem cannot fold: its message would be hidden.
                if (hasProblem) event.preventDefault();
              }}
            >
              <span className="group-name">{group}</span>
              {!open && <span className="group-summary">{groupSummary(group, values)}</span>}
              {hasProblem && <span className="group-problem">has a problem</span>}
            </summary>
            <fieldset disabled={disabled}>
              <legend className="visually-hidden">{group}</legend>
              {fields.map((field) => (
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
          </details>
        );
      })}
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
