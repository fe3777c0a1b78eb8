import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("methodology.json");
