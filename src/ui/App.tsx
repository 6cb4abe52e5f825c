/** Placeholder shell until the lab UI lands: names the project and what it measures. */
export function App() {
  return (
    <main>
      <h1>EMC Lab</h1>
      <p>
        How many training samples can a neural network really fit? EMC Lab measures the Effective
        Model Complexity of a model and its training procedure.
      </p>
    </main>
  );
}
