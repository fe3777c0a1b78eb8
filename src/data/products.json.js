import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("products.json");
