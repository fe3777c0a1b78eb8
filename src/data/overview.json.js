import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("overview.json");
