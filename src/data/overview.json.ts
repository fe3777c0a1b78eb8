import { emit } from "../../loaders/artifacts.ts";
await emit("overview.json");
