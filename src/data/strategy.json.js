import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("strategy.json");
