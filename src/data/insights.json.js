import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("insights.json");
