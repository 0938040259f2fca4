/// <reference lib="webworker" />
/** The engine worker's entry: exposes EngineService through Comlink. */
import * as Comlink from 'comlink';
import { EngineService } from './engine-service.ts';

Comlink.expose(new EngineService());
