import type { Browser } from 'playwright-core';
import { ckaSection } from './cka';
import { conditioningSection } from './conditioning';
import { correspondenceSection } from './correspondence';
import { paperModelSection } from './paper-model';
import { explorerSection } from './explorer';
import { datasetsSection } from './datasets';
import { headsSection } from './heads';
import { sweepSection } from './sweep';
import { sweepCliSection } from './sweep-cli';
import { responsiveSection } from './responsive';
import { tourSection } from './tour';

/** What every bench section gets: a Chromium and the built app served at `base`. */
export interface BenchContext {
  browser: Browser;
  base: string;
  /** `npm run bench -- --quick`: shorter timings, fewer cases. */
  quick: boolean;
}

/** One measured number, with what it is and what it ran on. */
export interface SectionRow {
  case: string;
  runtime: string;
  value: number;
  unit: string;
  note?: string;
}

export interface SectionResult {
  rows: SectionRow[];
  /** Ratios against the baselines an issue names (e.g. browser time / NumPy time). */
  goals: Record<string, number>;
}

/** A part of `npm run bench` owned by one feature (datasets, heads, CKA, explorer …). */
export interface BenchSection {
  name: string;
  run: (ctx: BenchContext) => Promise<SectionResult>;
}

/** The sections after the feature-engine timings, in order. Add a feature's section here. */
export const SECTIONS: BenchSection[] = [
  ckaSection,
  paperModelSection,
  explorerSection,
  datasetsSection,
  headsSection,
  sweepSection,
  sweepCliSection,
  correspondenceSection,
  responsiveSection,
  tourSection,
  conditioningSection,
];
