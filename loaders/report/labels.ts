/**
 * Column names shown to readers as labels: the `report.labels` setting maps a column name to the label a reader sees
 * (`{"MntWines": "Wine"}`), over defaults for the layouts the tool recognises (marketing_campaign's spending,
 * purchase and campaign columns). A column with neither keeps its name.
 */

/** Reader labels of the recognised customer-table layout (Kaggle's marketing_campaign). */
export const DEFAULT_LABELS: Readonly<Record<string, string>> = {
  MntWines: "Wine",
  MntFruits: "Fruit",
  MntMeatProducts: "Meat",
  MntFishProducts: "Fish",
  MntSweetProducts: "Sweets",
  MntGoldProds: "Gold",
  NumWebPurchases: "Web",
  NumCatalogPurchases: "Catalogue",
  NumStorePurchases: "Store",
  NumDealsPurchases: "Deals",
  NumWebVisitsMonth: "Web visits a month",
  AcceptedCmp1: "Campaign 1",
  AcceptedCmp2: "Campaign 2",
  AcceptedCmp3: "Campaign 3",
  AcceptedCmp4: "Campaign 4",
  AcceptedCmp5: "Campaign 5",
  Response: "Last campaign",
  Income: "Income",
  Kidhome: "Children at home",
  Teenhome: "Teenagers at home",
  Year_Birth: "Year of birth",
  Dt_Customer: "Signup date",
};

/** The label a reader sees for `column`: the setting's, else the default, else the name itself. */
export function readerLabel(column: string, labels: Readonly<Record<string, string>> = {}): string {
  return labels[column] ?? DEFAULT_LABELS[column] ?? column;
}
