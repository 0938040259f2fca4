/** SOP classes and modalities that hold no image volume (listed as skipped by a scan). */

export const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';

const EXACT: Readonly<Record<string, string>> = {
  [DICOMDIR_SOP_CLASS]: 'DICOMDIR',
  '1.2.840.10008.5.1.4.1.1.88.59': 'KOS',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RTSTRUCT',
  '1.2.840.10008.5.1.4.1.1.481.4': 'RT Beams Treatment Record',
  '1.2.840.10008.5.1.4.1.1.481.5': 'RTPLAN',
  '1.2.840.10008.5.1.4.1.1.481.6': 'RT Brachy Treatment Record',
  '1.2.840.10008.5.1.4.1.1.481.7': 'RT Treatment Summary Record',
  '1.2.840.10008.5.1.4.1.1.481.8': 'RT Ion Plan',
  '1.2.840.10008.5.1.4.1.1.481.9': 'RT Ion Beams Treatment Record',
  '1.2.840.10008.5.1.4.1.1.66': 'Raw Data',
  '1.2.840.10008.5.1.4.1.1.66.1': 'REG',
  '1.2.840.10008.5.1.4.1.1.66.2': 'Spatial Fiducials',
  '1.2.840.10008.5.1.4.1.1.66.3': 'Deformable REG',
  '1.2.840.10008.5.1.4.1.1.66.4': 'SEG',
  '1.2.840.10008.5.1.4.1.1.66.5': 'Surface Segmentation',
  '1.2.840.10008.5.1.4.1.1.66.6': 'Tractography Results',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF',
  '1.2.840.10008.5.1.4.1.1.104.2': 'Encapsulated CDA',
  '1.2.840.10008.5.1.4.1.1.104.3': 'Encapsulated STL',
  '1.2.840.10008.5.1.4.1.1.104.4': 'Encapsulated OBJ',
  '1.2.840.10008.5.1.4.1.1.104.5': 'Encapsulated MTL',
};

const PREFIXES: ReadonlyArray<[string, string]> = [
  ['1.2.840.10008.5.1.4.1.1.88.', 'SR'],
  ['1.2.840.10008.5.1.4.1.1.11.', 'Presentation State'],
  ['1.2.840.10008.5.1.4.1.1.9.', 'Waveform'],
];

const MODALITIES: Readonly<Record<string, string>> = {
  SR: 'SR', KO: 'KOS', PR: 'Presentation State', SEG: 'SEG', RTSTRUCT: 'RTSTRUCT',
  RTPLAN: 'RTPLAN', RTRECORD: 'RT Record', REG: 'REG', DOC: 'Document', FID: 'Spatial Fiducials',
};

/** What the object is when its SOP class (or, lacking one, its modality) holds no image; else undefined. */
export function nonImageKind(sopClassUid: string | undefined, modality: string | undefined): string | undefined {
  if (sopClassUid) {
    const exact = EXACT[sopClassUid];
    if (exact) return exact;
    for (const [prefix, name] of PREFIXES) if (sopClassUid.startsWith(prefix)) return name;
  }
  if (modality) return MODALITIES[modality.toUpperCase()];
  return undefined;
}
