// The registry of activity kinds on the client side: one module per kind.
import * as slide from "./slide.js";
import * as choice from "./choice.js";
import * as boardgame from "./boardgame.js";
import * as stations from "./stations.js";
import * as tasks from "./tasks.js";

export const kinds = { slide, choice, boardgame, stations, ...tasks };
