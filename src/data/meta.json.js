import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("meta.json");
