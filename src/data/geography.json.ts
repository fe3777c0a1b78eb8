import { emit } from "../../loaders/artifacts.ts";
await emit("geography.json");
