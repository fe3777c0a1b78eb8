import { emitCurrent } from "../../loaders/emit-current.js";
emitCurrent("pca.json");
