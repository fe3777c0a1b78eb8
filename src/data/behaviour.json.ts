import { emit } from "../../loaders/artifacts.ts";
await emit("behaviour.json");
