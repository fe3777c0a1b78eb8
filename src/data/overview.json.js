import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("overview.json");
