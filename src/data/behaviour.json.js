import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("behaviour.json");
