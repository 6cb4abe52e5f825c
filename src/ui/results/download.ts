/** Saves a Blob as a file through a temporary link (no server involved). */
export function download(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from an experiment name: "MLP on random labels" → "mlp-on-random-labels". */
export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'experiment'
  );
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const TITLE_HEIGHT = 26;
const LEGEND_ROW = 20;
/** A legend entry's icon, gap and right margin, and an estimate of its text's width. */
const legendWidth = (text: string) => 14 + 6 + text.length * 7 + 18;

export interface ChartImage {
  svg: string;
  width: number;
  height: number;
}

/**
 * The chart as a standalone SVG document that reads on its own, in a paper or a slide: a
 * title, the legend (recharts draws it in HTML, so it is redrawn here from its entries,
 * each with its own marker) and the plot with its axis labels, on a white background.
 */
export function chartSvg(figure: Element, title: string): ChartImage | undefined {
  const plot = figure.querySelector('.recharts-wrapper > svg.recharts-surface');
  if (!plot) return undefined;
  const box = plot.getBoundingClientRect();
  const width = Number(plot.getAttribute('width')) || box.width || 800;
  const plotHeight = Number(plot.getAttribute('height')) || box.height || 300;
  const entries = [...figure.querySelectorAll('.recharts-legend-item')].map((item) => ({
    icon: item.querySelector('svg'),
    text: item.querySelector('.recharts-legend-item-text')?.textContent ?? '',
  }));

  const root = document.createElementNS(SVG_NS, 'svg');
  const element = (name: string, attributes: Record<string, string | number>) => {
    const node = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    return node;
  };
  const heading = element('text', {
    x: 10,
    y: 18,
    'font-family': 'sans-serif',
    'font-size': 15,
    'font-weight': 'bold',
  });
  heading.textContent = title;
  const legend = element('g', {
    class: 'chart-legend',
    'font-family': 'sans-serif',
    'font-size': 12,
  });
  let x = 10;
  let row = 0;
  for (const entry of entries) {
    if (x > 10 && x + legendWidth(entry.text) > width) {
      x = 10;
      row += 1;
    }
    const y = TITLE_HEIGHT + row * LEGEND_ROW;
    if (entry.icon) {
      const icon = entry.icon.cloneNode(true) as SVGSVGElement;
      icon.setAttribute('x', String(x));
      icon.setAttribute('y', String(y));
      icon.setAttribute('width', '14');
      icon.setAttribute('height', '14');
      legend.appendChild(icon);
    }
    const label = element('text', { x: x + 20, y: y + 11 });
    label.textContent = entry.text;
    legend.appendChild(label);
    x += legendWidth(entry.text);
  }
  const top = TITLE_HEIGHT + (entries.length > 0 ? (row + 1) * LEGEND_ROW : 0) + 4;
  const height = top + plotHeight;
  const copy = plot.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('x', '0');
  copy.setAttribute('y', String(top));
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(plotHeight));

  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.append(
    element('rect', { width: '100%', height: '100%', fill: 'white' }),
    heading,
    legend,
    copy,
  );
  return { svg: new XMLSerializer().serializeToString(root), width, height };
}

/** Renders an SVG document to a PNG at twice its size (sharp on projectors and in papers). */
export async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = height * 2;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw to a canvas.');
  context.scale(2, 2);
  context.drawImage(image, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))),
      'image/png',
    ),
  );
}
