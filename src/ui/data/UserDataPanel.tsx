import { useState } from 'react';
import { describeSummary, type UserDataSummary } from '../../engine/data/userDataSummary.ts';
import { useConfigStore } from '../../stores/configStore.ts';
import { USER_DATA_FIELDS } from '../../stores/formFields.ts';
import { type DataLoadRequest, dataLoadStore, useDataLoad } from '../../effects/userDataLoad.ts';
import { useLocalDataStore } from '../../effects/userDataStore.ts';

/** Classes listed in the summary before "…". */
const SHOWN_CLASSES = 12;

/**
 * The user's own data: choose or drop a CSV, a folder or a .zip; see what was read (rows,
 * features or image size, classes and their labels, hash); pick the label column. When the
 * experiment names data this browser does not hold (an opened link), it says which file to
 * load and refuses any other, naming the difference.
 */
export function UserDataPanel({
  errorsByField,
  disabled,
}: {
  errorsByField: Record<string, string[]>;
  disabled: boolean;
}) {
  const values = useConfigStore((state) => state.values);
  const applyUserData = useConfigStore((state) => state.applyUserData);
  const summaries = useLocalDataStore((state) => state.summaries);
  const ready = useLocalDataStore((state) => state.ready);
  const unavailable = useLocalDataStore((state) => state.unavailable);
  const forget = useLocalDataStore((state) => state.forget);
  // Set to the hash a person chose to replace; a new hash (another link) asks again.
  const [replacingFor, setReplacingFor] = useState<string>();
  const [dragging, setDragging] = useState(false);

  const source = values['data.source'] === 'csv' ? 'csv' : 'images';
  const sha256 = values['data.sha256'] ?? '';
  const stored = sha256 ? summaries[sha256] : undefined;
  // The experiment names data by hash (a link, a saved run) and this browser lacks it.
  const required = ready && sha256 !== '' && !stored && replacingFor !== sha256;
  const expected = {
    source,
    file: values['data.file'] ?? '',
    sha256,
    rows: Number(values['data.rows']),
    classes: Number(values['data.classes']),
    inputShape: (values['data.inputShape'] ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number),
  } as const;

  // Loading (read off-thread, check, store, fill the form) is the data-load store's workflow.
  const busy = useDataLoad((state) => state.busy);
  const error = useDataLoad((state) => state.error);
  const request: DataLoadRequest = {
    source,
    required: required ? expected : undefined,
    labelColumn: required ? values['data.labelColumn'] : undefined,
  };
  const choose = (files: FileList | null) =>
    dataLoadStore.getState().choose(Array.from(files ?? []), request);
  const changeLabelColumn = (column: string) =>
    dataLoadStore.getState().relabel(sha256, column, request);

  const fieldErrors = USER_DATA_FIELDS.flatMap((field) => errorsByField[field] ?? []);
  // Data loaded before, of this kind: one click to use it again.
  const others = Object.values(summaries).filter(
    (summary) => summary.source === source && summary.sha256 !== sha256,
  );
  return (
    <div
      className={`user-data${dragging ? ' dragging' : ''}`}
      data-testid="user-data"
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        if (!disabled) void choose(event.dataTransfer.files);
      }}
    >
      {required ? (
        <p className="data-required" role="status" data-testid="data-required">
          This experiment trains on private data that this browser does not hold:{' '}
          <strong>{expected.file}</strong> ({describeSummary(expected)}; SHA-256{' '}
          <code title={sha256}>{sha256.slice(0, 16)}…</code>). Load that{' '}
          {source === 'csv' ? 'file' : 'folder or .zip'} to run it; it stays on this machine.
        </p>
      ) : stored ? (
        <LoadedSummary
          summary={stored}
          disabled={disabled || busy !== undefined}
          labelColumn={values['data.labelColumn'] ?? ''}
          onLabelColumn={(column) => void changeLabelColumn(column)}
        />
      ) : (
        <p className="hint">
          {sha256 === '' && (
            // Awaiting a file is a step to take, not a mistake: a prompt, not red errors.
            <strong className="data-awaiting" role="status" data-testid="data-awaiting">
              {source === 'csv'
                ? 'Choose a CSV file to train on. '
                : 'Choose a folder or a .zip of images to train on. '}
            </strong>
          )}
          {source === 'csv'
            ? 'A CSV with a header row, numeric feature columns and one label column (words or numbers; by default the last).'
            : 'A folder, or a .zip of one, with one subfolder of PNG or JPEG images per class.'}{' '}
          It stays in this browser: links name it by its hash, never upload it.
        </p>
      )}
      <div className="pickers">
        {source === 'csv' ? (
          <FilePicker
            label="Choose a CSV file…"
            accept=".csv,text/csv"
            disabled={disabled}
            onFiles={choose}
          />
        ) : (
          <>
            <FilePicker label="Choose a folder…" folder disabled={disabled} onFiles={choose} />
            <FilePicker
              label="Choose a .zip…"
              accept=".zip,application/zip"
              disabled={disabled}
              onFiles={choose}
            />
          </>
        )}
        {stored && (
          <button
            type="button"
            className="secondary"
            disabled={disabled}
            onClick={() => void forget(sha256)}
          >
            Forget this data
          </button>
        )}
        {required && (
          <button
            type="button"
            className="secondary"
            disabled={disabled}
            onClick={() => setReplacingFor(sha256)}
          >
            Use other data instead
          </button>
        )}
      </div>
      {others.length > 0 && !required && (
        <ul className="stored-data" aria-label="Data stored in this browser">
          {others.map((summary) => (
            <li key={summary.sha256}>
              <button
                type="button"
                className="secondary"
                disabled={disabled}
                onClick={() => applyUserData(summary)}
              >
                Use {summary.file}
              </button>{' '}
              {describeSummary(summary)}
            </li>
          ))}
        </ul>
      )}
      <p className="hint">…or drop {source === 'csv' ? 'a CSV file' : 'a .zip'} here.</p>
      {busy && (
        <p role="status" data-testid="data-busy">
          {busy}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert" data-testid="data-error">
          {error}
        </p>
      )}
      {unavailable && <p className="hint">{unavailable}</p>}
      {!required &&
        fieldErrors.map((message) => (
          <p key={message} className="field-error" role="alert">
            {message}
          </p>
        ))}
    </div>
  );
}

function LoadedSummary({
  summary,
  disabled,
  labelColumn,
  onLabelColumn,
}: {
  summary: UserDataSummary;
  disabled: boolean;
  labelColumn: string;
  onLabelColumn(column: string): void;
}) {
  const classes = summary.classNames
    .slice(0, SHOWN_CLASSES)
    .map((name, index) => `${name} → ${index}`)
    .join(', ');
  return (
    <div className="data-summary" data-testid="data-summary">
      <p>
        <strong>{summary.file}</strong>: {describeSummary(summary)}. SHA-256{' '}
        <code title={summary.sha256}>{summary.sha256.slice(0, 16)}…</code>, kept in this browser
        only.
      </p>
      {summary.source === 'csv' && (
        <label className="form-field">
          Label column
          <select
            value={labelColumn || summary.labelColumn}
            disabled={disabled}
            onChange={(event) => onLabelColumn(event.target.value)}
          >
            {summary.columns.map((column) => (
              <option key={column} value={column}>
                {column}
              </option>
            ))}
          </select>
        </label>
      )}
      <p data-testid="data-classes">
        Classes{summary.source === 'csv' ? ' (in the order they first appear)' : ' (folders)'}:{' '}
        {classes}
        {summary.classNames.length > SHOWN_CLASSES ? ', …' : ''}
      </p>
    </div>
  );
}

function FilePicker({
  label,
  accept,
  folder = false,
  disabled,
  onFiles,
}: {
  label: string;
  accept?: string;
  folder?: boolean;
  disabled: boolean;
  onFiles(files: FileList | null): Promise<void>;
}) {
  // React does not know webkitdirectory; every current browser supports it.
  const folderProps = folder ? { webkitdirectory: '', directory: '' } : {};
  return (
    <label className={`file-button${disabled ? ' disabled' : ''}`}>
      {label}
      <input
        type="file"
        accept={accept}
        disabled={disabled}
        {...folderProps}
        onChange={(event) => {
          const input = event.currentTarget;
          void onFiles(input.files).finally(() => {
            // Choosing the same file again must fire again (after fixing it, say).
            input.value = '';
          });
        }}
      />
    </label>
  );
}
