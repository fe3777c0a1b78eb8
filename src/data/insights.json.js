import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("insights.json");
