import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("products.json");
