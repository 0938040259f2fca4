/// <reference lib="webworker" />
/** The N4 worker's entry: exposes N4Service through Comlink. */
import * as Comlink from 'comlink';
import { N4Service } from './n4-service.ts';

Comlink.expose(new N4Service());
