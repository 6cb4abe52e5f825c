import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { checkForm, useConfigStore } from '../../stores/configStore.ts';
import { FORM_FIELDS } from '../../stores/formFields.ts';
import { ExperimentForm } from './ExperimentForm.tsx';
import { FormField } from './FormField.tsx';

function form(): string {
  const { values } = useConfigStore.getState();
  return renderToStaticMarkup(<ExperimentForm formCheck={checkForm(values)} disabled={false} />);
}

describe('the experiment form', () => {
  it("shows 'Verify verdicts' in the search fieldset, following the spec", () => {
    useConfigStore.getState().reset();
    const html = form();
    expect(html).toContain('<label for="field-search-verify">Verify verdicts</label>');
    const select =
      /<select id="field-search-verify" name="search.verify"[^>]*>(.*?)<\/select>/.exec(html);
    expect(select?.[1]).toContain('<option value="true" selected="">yes</option>');
    // The store's server snapshot is its first state: the field itself shows a 'no'.
    const field = FORM_FIELDS.find((f) => f.path === 'search.verify');
    if (!field) throw new Error('no search.verify field');
    const off = renderToStaticMarkup(
      <FormField field={field} value="false" errors={[]} onChange={() => undefined} />,
    );
    expect(off).toContain('<option value="false" selected="">no</option>');
    useConfigStore.getState().reset();
  });
});
