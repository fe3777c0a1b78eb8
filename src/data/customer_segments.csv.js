import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("customer_segments.csv");
