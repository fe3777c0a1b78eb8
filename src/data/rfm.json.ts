import { emit } from "../../loaders/artifacts.ts";
await emit("rfm.json");
