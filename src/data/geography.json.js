import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("geography.json");
