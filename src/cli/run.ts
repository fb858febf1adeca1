// Entry for running the CLI from sources (`npm run cinerec -- …`, `npm start`).
import { runCli } from './main.js';

await runCli(process.argv);
