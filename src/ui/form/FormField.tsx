import type { FieldDef } from '../../stores/formFields.ts';

interface FormFieldProps {
  field: FieldDef;
  value: string;
  errors: string[];
  onChange(text: string): void;
}

/** One labelled input or select, with its hint and its validation messages. */
export function FormField({ field, value, errors, onChange }: FormFieldProps) {
  const id = `field-${field.path.replace(/\./g, '-')}`;
  const describedBy = [field.hint ? `${id}-hint` : '', errors.length ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: field.path,
    'aria-invalid': errors.length > 0,
    'aria-describedby': describedBy || undefined,
  };
  return (
    <div className={`form-field${isWide(field) ? ' wide' : ''}${errors.length ? ' invalid' : ''}`}>
      <label htmlFor={id}>{field.label}</label>
      {field.kind === 'select' || field.kind === 'boolean' ? (
        <select {...common} value={value} onChange={(event) => onChange(event.target.value)}>
          {(field.kind === 'boolean' ? ['true', 'false'] : field.options)?.map((option) => (
            <option key={option} value={option}>
              {field.optionLabels?.[option] ??
                (field.kind === 'boolean' ? (option === 'true' ? 'yes' : 'no') : option)}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type="text"
          inputMode={field.kind === 'text' || field.kind === 'batchSize' ? 'text' : 'decimal'}
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {field.hint && (
        <small id={`${id}-hint`} className="hint">
          {field.hint}
        </small>
      )}
      {errors.length > 0 && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {errors.map((message) => message.slice(message.indexOf(':') + 2)).join('; ')}
        </small>
      )}
    </div>
  );
}

/** Longest text an input or menu beside its label shows uncut in the form's column. */
const BESIDE_LABEL_CHARS = 14;

/**
 * A free-text field (a name) or a menu with long choices ("your image folder…") takes the
 * form's whole width under its label, so what it holds is never cut.
 */
function isWide(field: FieldDef): boolean {
  if (field.kind === 'text') return true;
  if (field.kind !== 'select') return false;
  return (field.options ?? []).some(
    (option) => (field.optionLabels?.[option] ?? option).length > BESIDE_LABEL_CHARS,
  );
}
