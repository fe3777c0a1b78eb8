import { emit } from "../../loaders/artifacts.ts";
await emit("products.json");
