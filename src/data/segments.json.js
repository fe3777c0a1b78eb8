import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("segments.json");
