import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("rfm.json");
