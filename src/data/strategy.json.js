import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("strategy.json");
