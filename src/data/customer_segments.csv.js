import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("customer_segments.csv");
