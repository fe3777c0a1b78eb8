import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("rfm.json");
