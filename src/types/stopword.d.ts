// stopword ships no types; cinerec uses only its English list.
declare module 'stopword' {
  export const eng: string[];
}
