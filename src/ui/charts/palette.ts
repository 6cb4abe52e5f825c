/**
 * Okabe & Ito's palette: eight colours that stay apart under the common colour-vision
 * deficiencies and on washed-out projectors. Charts pair colour with shape or dash as well,
 * so no reading depends on colour alone.
 */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;
