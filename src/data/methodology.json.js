import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("methodology.json");
