import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("audience.json");
