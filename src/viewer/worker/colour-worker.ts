/// <reference lib="webworker" />
/** The colour worker's entry: exposes ColourService through Comlink. */
import * as Comlink from 'comlink';
import { ColourService } from './colour-service.ts';

Comlink.expose(new ColourService());
