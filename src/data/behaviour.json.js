import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("behaviour.json");
