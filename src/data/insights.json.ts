import { emit } from "../../loaders/artifacts.ts";
await emit("insights.json");
