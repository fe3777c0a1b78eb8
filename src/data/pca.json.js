import { emitCurrent } from "../../loaders/site/emit.js";
emitCurrent("pca.json");
