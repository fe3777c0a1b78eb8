import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("meta.json");
