import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("segments.json");
