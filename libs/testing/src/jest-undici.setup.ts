import { Agent, setGlobalDispatcher } from 'undici';

// Jest runs tests in a VM context whose globalThis lacks the undici dispatcher Node's own
// fetch installs; SDKs that look it up (@google/genai) need one there.
setGlobalDispatcher(new Agent());
