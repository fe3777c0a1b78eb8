import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("geography.json");
