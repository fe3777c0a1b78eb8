import { emit } from "../../loaders/artifacts.ts";
await emit("pca.json");
